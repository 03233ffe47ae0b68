#!/bin/sh
# The vault secret of the test data the molecule scenario writes (under its ephemeral directory);
# a script, so that Ansible runs it and no password file lies in the tree. Test data only.
echo molecule-vault-secret-for-test-data-only
