//! A small signed big integer (Python ints are unbounded).

use std::cmp::Ordering;
use std::fmt;

/// Base of the limbs.
const LIMB: u32 = 1_000_000_000;

/// Sign and magnitude, little-endian base 10^9 limbs without high zero limbs;
/// zero has no limbs and is never negative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Big {
    pub(super) neg: bool,
    mag: Vec<u32>,
}

impl Big {
    fn normalized(neg: bool, mut mag: Vec<u32>) -> Big {
        while mag.last() == Some(&0) {
            mag.pop();
        }
        Big {
            neg: neg && !mag.is_empty(),
            mag,
        }
    }

    pub(super) fn from_u128(mut v: u128) -> Big {
        let mut mag = Vec::new();
        while v > 0 {
            mag.push((v % u128::from(LIMB)) as u32);
            v /= u128::from(LIMB);
        }
        Big { neg: false, mag }
    }

    /// From decimal digit values (0..=9), most significant first.
    pub(super) fn from_decimal(neg: bool, digits: &[u8]) -> Big {
        let mut mag = Vec::with_capacity(digits.len() / 9 + 1);
        for chunk in digits.rchunks(9) {
            mag.push(
                chunk
                    .iter()
                    .fold(0u32, |acc, &d| acc * 10 + u32::from(d % 10)),
            );
        }
        Big::normalized(neg, mag)
    }

    pub(super) fn is_zero(&self) -> bool {
        self.mag.is_empty()
    }

    pub(super) fn negated(&self) -> Big {
        Big::normalized(!self.neg, self.mag.clone())
    }

    pub(super) fn to_u128(&self) -> Option<u128> {
        if self.neg {
            return None;
        }
        self.mag.iter().rev().try_fold(0u128, |acc, &limb| {
            acc.checked_mul(u128::from(LIMB))?
                .checked_add(u128::from(limb))
        })
    }

    pub(super) fn add(&self, other: &Big) -> Big {
        if self.neg == other.neg {
            return Big::normalized(self.neg, add_mag(&self.mag, &other.mag));
        }
        match cmp_mag(&self.mag, &other.mag) {
            Ordering::Less => Big::normalized(other.neg, sub_mag(&other.mag, &self.mag)),
            _ => Big::normalized(self.neg, sub_mag(&self.mag, &other.mag)),
        }
    }

    pub(super) fn sub(&self, other: &Big) -> Big {
        self.add(&other.negated())
    }

    pub(super) fn mul(&self, other: &Big) -> Big {
        let mut out = vec![0u64; self.mag.len() + other.mag.len()];
        for (i, &a) in self.mag.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in other.mag.iter().enumerate() {
                if let Some(slot) = out.get_mut(i + j) {
                    let cur = *slot + u64::from(a) * u64::from(b) + carry;
                    *slot = cur % u64::from(LIMB);
                    carry = cur / u64::from(LIMB);
                }
            }
            let mut k = i + other.mag.len();
            while carry > 0 {
                let Some(slot) = out.get_mut(k) else { break };
                let cur = *slot + carry;
                *slot = cur % u64::from(LIMB);
                carry = cur / u64::from(LIMB);
                k += 1;
            }
        }
        let mag = out.into_iter().map(|l| l as u32).collect();
        Big::normalized(self.neg != other.neg, mag)
    }
}

fn cmp_mag(a: &[u32], b: &[u32]) -> Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.iter().rev().cmp(b.iter().rev()))
}

fn add_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len().max(b.len()) + 1);
    let mut carry = 0u32;
    for i in 0..a.len().max(b.len()) {
        let sum = a.get(i).copied().unwrap_or(0) + b.get(i).copied().unwrap_or(0) + carry;
        out.push(sum % LIMB);
        carry = sum / LIMB;
    }
    if carry > 0 {
        out.push(carry);
    }
    out
}

/// `a - b` for `a >= b` in magnitude.
fn sub_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len());
    let mut borrow = 0u32;
    for (i, &x) in a.iter().enumerate() {
        let y = b.get(i).copied().unwrap_or(0) + borrow;
        if x >= y {
            out.push(x - y);
            borrow = 0;
        } else {
            out.push(x + LIMB - y);
            borrow = 1;
        }
    }
    out
}

impl Ord for Big {
    fn cmp(&self, other: &Big) -> Ordering {
        match (self.neg, other.neg) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => cmp_mag(&self.mag, &other.mag),
            (true, true) => cmp_mag(&other.mag, &self.mag),
        }
    }
}

impl PartialOrd for Big {
    fn partial_cmp(&self, other: &Big) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Big {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut limbs = self.mag.iter().rev();
        let Some(top) = limbs.next() else {
            return f.write_str("0");
        };
        if self.neg {
            f.write_str("-")?;
        }
        write!(f, "{top}")?;
        for limb in limbs {
            write!(f, "{limb:09}")?;
        }
        Ok(())
    }
}
