"""Unit tests import the collection as ansible_collections.accountguard.aws (and amazon.aws) from the
project's collections root, where the collection is symlinked; no pytest-ansible needed."""

import sys
from pathlib import Path

COLLECTIONS_ROOT = Path(__file__).resolve().parents[2] / ".cache" / "collections"

if str(COLLECTIONS_ROOT) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS_ROOT))
