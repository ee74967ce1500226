# -*- coding: utf-8 -*-
# Copyright: scalingo.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A local stand-in for the get-pip.py that ansible-test downloads.

ansible-test bootstraps pip in each virtual environment it creates by running
a get-pip.py fetched from the internet. This one takes the same arguments,
installs the pip bundled with Python (ensurepip), then lets that pip install
what was asked (the pinned pip) from the configured package index.
"""

from __future__ import annotations

import ensurepip
import os
import subprocess
import sys

# get-pip.py options that plain ``pip install`` does not know.
_GET_PIP_ONLY_OPTIONS = ("--no-setuptools", "--no-wheel")


def main() -> int:
    # ensurepip points PIP_CONFIG_FILE at /dev/null in this process; the real install
    # must see the machine's pip configuration (index, certificates) again.
    environment = dict(os.environ)
    ensurepip.bootstrap(upgrade=True)
    arguments = [argument for argument in sys.argv[1:] if argument not in _GET_PIP_ONLY_OPTIONS]
    return subprocess.call([sys.executable, "-m", "pip", "install", *arguments], env=environment)


if __name__ == "__main__":
    sys.exit(main())
