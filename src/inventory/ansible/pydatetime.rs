//! Python's `str()` and `repr()` of the dates and datetimes PyYAML
//! constructs from timestamps, from the `isoformat()` text the model keeps
//! (`2001-12-14`, `2001-12-14T21:59:43.100000-05:00`).
//!
//! `--graph --vars` prints a variable with `str()` (`isoformat(' ')`) and
//! whatever is inside a list or mapping with `repr()`:
//! `datetime.date(2001, 12, 14)`, `datetime.datetime(2001, 12, 14, 21, 59,
//! 43, 100000, tzinfo=datetime.timezone(datetime.timedelta(days=-1,
//! seconds=68400)))`.

/// `str()` of a date or datetime: the ISO text with a space for the `T`.
pub(super) fn str_of(iso: &str) -> String {
    iso.replacen('T', " ", 1)
}

/// `repr()` of a date or datetime, from its ISO text; the text itself (as a
/// string's repr would not be right either) when it is not one.
pub(super) fn repr_of(iso: &str) -> String {
    parse(iso).map_or_else(|| str_of(iso), |t| t.repr())
}

/// The fields of an `isoformat()` text.
struct Stamp {
    date: [u32; 3],
    /// hour, minute, second, microsecond; `None` for a date
    time: Option<[u32; 4]>,
    /// the UTC offset in seconds, for an aware datetime
    offset: Option<i32>,
}

fn parse(iso: &str) -> Option<Stamp> {
    let num = |s: &str| s.parse::<u32>().ok();
    let (date, time) = match iso.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (iso, None),
    };
    let mut d = date.splitn(3, '-');
    let date = [num(d.next()?)?, num(d.next()?)?, num(d.next()?)?];
    let Some(time) = time else {
        return Some(Stamp {
            date,
            time: None,
            offset: None,
        });
    };
    // The offset follows the clock's eight characters and any fraction.
    let tz_at = time.find(['+', '-']).unwrap_or(time.len());
    let (clock, tz) = time.split_at(tz_at);
    let (hms, micro) = match clock.split_once('.') {
        Some((hms, f)) => (hms, num(f)?),
        None => (clock, 0),
    };
    let mut c = hms.splitn(3, ':');
    let time = [num(c.next()?)?, num(c.next()?)?, num(c.next()?)?, micro];
    let offset = match tz.as_bytes().first() {
        None => None,
        Some(&sign) => {
            let (h, m) = tz[1..].split_once(':')?;
            let secs = i32::try_from(num(h)? * 3600 + num(m)? * 60).ok()?;
            Some(if sign == b'-' { -secs } else { secs })
        }
    };
    Some(Stamp {
        date,
        time: Some(time),
        offset,
    })
}

impl Stamp {
    fn repr(&self) -> String {
        let [y, mo, d] = self.date;
        let Some([h, mi, s, us]) = self.time else {
            return format!("datetime.date({y}, {mo}, {d})");
        };
        // CPython leaves out a zero microsecond, and then a zero second.
        let mut fields = format!("{y}, {mo}, {d}, {h}, {mi}");
        if s != 0 || us != 0 {
            fields.push_str(&format!(", {s}"));
        }
        if us != 0 {
            fields.push_str(&format!(", {us}"));
        }
        match self.offset {
            None => format!("datetime.datetime({fields})"),
            Some(off) => format!("datetime.datetime({fields}, tzinfo={})", timezone_repr(off)),
        }
    }
}

/// `repr()` of `datetime.timezone(timedelta(seconds=off))`: a zero offset
/// is the `utc` singleton; a timedelta keeps days and seconds apart, the
/// seconds never negative (`-05:00` is `days=-1, seconds=68400`).
fn timezone_repr(off: i32) -> String {
    if off == 0 {
        return "datetime.timezone.utc".into();
    }
    let days = off.div_euclid(86_400);
    let secs = off.rem_euclid(86_400);
    let delta = match (days, secs) {
        (0, s) => format!("seconds={s}"),
        (d, 0) => format!("days={d}"),
        (d, s) => format!("days={d}, seconds={s}"),
    };
    format!("datetime.timezone(datetime.timedelta({delta}))")
}

#[cfg(test)]
mod tests {
    use super::{repr_of, str_of};

    #[test]
    fn dates_and_datetimes_as_python_prints_them() {
        for (iso, want) in [
            ("2001-12-14", "datetime.date(2001, 12, 14)"),
            ("2001-12-14T21:59:43", "datetime.datetime(2001, 12, 14, 21, 59, 43)"),
            ("2001-12-14T21:59:00", "datetime.datetime(2001, 12, 14, 21, 59)"),
            (
                "2001-12-14T21:59:00.000001",
                "datetime.datetime(2001, 12, 14, 21, 59, 0, 1)",
            ),
            (
                "2001-12-14T21:59:43.100000+00:00",
                "datetime.datetime(2001, 12, 14, 21, 59, 43, 100000, tzinfo=datetime.timezone.utc)",
            ),
            (
                "2001-12-14T21:59:43.100000-05:00",
                "datetime.datetime(2001, 12, 14, 21, 59, 43, 100000, tzinfo=datetime.timezone(datetime.timedelta(days=-1, seconds=68400)))",
            ),
            (
                "2001-12-14T21:59:43+05:30",
                "datetime.datetime(2001, 12, 14, 21, 59, 43, tzinfo=datetime.timezone(datetime.timedelta(seconds=19800)))",
            ),
        ] {
            assert_eq!(repr_of(iso), want, "{iso}");
        }
        assert_eq!(
            str_of("2001-12-14T21:59:43-05:00"),
            "2001-12-14 21:59:43-05:00"
        );
        assert_eq!(str_of("2001-12-14"), "2001-12-14");
    }
}
