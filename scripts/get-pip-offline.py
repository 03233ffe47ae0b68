"""Offline replacement for the pip bootstrap script ansible-test downloads (get-pip-<version>.py).

ansible-test runs it inside a fresh `venv --without-pip` with pip arguments such as
`--disable-pip-version-check pip==25.2 --no-setuptools --no-wheel`. Without internet access we seed
pip from the interpreter's bundled ensurepip wheel, then let that pip install the pinned version from
the configured package index. scripts/sanity.sh puts this file where ansible-test looks for its cache.
"""
import ensurepip
import os
import subprocess
import sys

# ensurepip points PIP_CONFIG_FILE at /dev/null in os.environ; keep the machine's pip configuration
# (index, certificates) for the second step.
environment = dict(os.environ)
pip_args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
ensurepip.bootstrap(upgrade=True)
subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", *pip_args], env=environment)
