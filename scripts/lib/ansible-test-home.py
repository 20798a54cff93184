"""Prepares the private HOME that `ansible-test sanity --requirements` runs
with (it keeps nothing of the environment but HOME and PATH):

- pip's settings of the calling environment (`pip config list`: its index,
  certificate bundle, wheel folder, from files or PIP_* variables) written
  to HOME/.config/pip/pip.conf, so the venvs ansible-test makes reach the
  same package index;
- our pip bootstrap (ansible-test-get-pip.py) in ansible-test's cache, for
  the pip version this ansible-test asks for, instead of the script it
  would download from a host outside the package index.

Usage: ansible-test-home.py HOME PYTHON ANSIBLE_TEST_PACKAGE_DIR"""

import os
import re
import shutil
import subprocess
import sys

home, python, ansible_test = sys.argv[1:4]
here = os.path.dirname(os.path.abspath(__file__))

listed = subprocess.run([python, "-m", "pip", "config", "list"], check=True,
                        capture_output=True, text=True).stdout
settings = {}
for line in listed.splitlines():
    m = re.match(r"^[^.]*\.([a-z0-9-]+)='(.*)'$", line.strip())
    if m:
        settings[m.group(1)] = m.group(2)
conf = os.path.join(home, ".config", "pip", "pip.conf")
os.makedirs(os.path.dirname(conf), exist_ok=True)
with open(conf, "w") as f:
    f.write("[global]\n")
    for k, v in sorted(settings.items()):
        f.write("%s = %s\n" % (k, v))

source = open(os.path.join(ansible_test, "_internal", "python_requirements.py")).read()
m = re.search(r"pip='([0-9.]+)'", source)
if not m:
    sys.exit("ansible-test-home: cannot tell which pip version ansible-test bootstraps")
cache = os.path.join(home, ".ansible", "test", "cache")
os.makedirs(cache, exist_ok=True)
shutil.copy(os.path.join(here, "ansible-test-get-pip.py"),
            os.path.join(cache, "get_pip_%s.py" % m.group(1).replace(".", "_")))
