"""Stands in for the pip bootstrap script ansible-test downloads from a
host our machines cannot reach: pip from the interpreter's own ensurepip,
then the packages asked for (pip's own version among them) from PyPI.
scripts/test copies it into ansible-test's cache."""

import ensurepip
import os
import subprocess
import sys

# get-pip's own options (what not to install besides pip) mean nothing to pip.
OWN = ("--no-setuptools", "--no-wheel")

before = os.environ.get("PIP_CONFIG_FILE")
ensurepip.bootstrap()
# ensurepip points pip's configuration at /dev/null for the whole process:
# the pip run next reads the user's again (its index and certificates).
if before is None:
    os.environ.pop("PIP_CONFIG_FILE", None)
else:
    os.environ["PIP_CONFIG_FILE"] = before
args = [a for a in sys.argv[1:] if a not in OWN]
subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)
