"""The totp lookup: the code of a vaulted seed, checked against an independent TOTP (cryptography's, and the RFC 6238
vectors) on a fake clock; the non-secret values it may return; and every error, none of which shows the seed."""

import base64
import os

import pytest
import yaml
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultLib
from ansible.parsing.vault import VaultSecret

from ansible_collections.accountguard.aws.plugins.lookup import totp as totp_lookup

NAME = "accountguard.aws.totp"
VAULT = [("default", VaultSecret(b"unit-vault-password"))]
WRONG_VAULT = [("default", VaultSecret(b"another-vault-password"))]
# IAM seeds are 64 base32 characters (40 bytes).
SEED = base64.b32encode(bytes(range(7, 47))).decode("ascii")
SERIAL = "arn:aws:iam::123456789012:mfa/alice"
# RFC 6238 Appendix B, SHA1: the 20-byte key "12345678901234567890"; 6-digit codes are the last 6 of the 8 listed.
RFC_SEED = base64.b32encode(b"12345678901234567890").decode("ascii")
RFC_VECTORS = [(59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"), (1234567890, "89005924"),
               (2000000000, "69279037"), (20000000000, "65353130")]
# A window's start (1700000010 is a multiple of 30), and a time 10 s into it: 20 s left, the default never waits.
W = 1700000010
T0 = W + 10.0


def independent_code(seed, when):
    """RFC 6238 with cryptography's TOTP directly, not through the collection."""
    key = base64.b32decode(seed + "=" * (-len(seed) % 8))
    return TOTP(key, 6, SHA1(), 30, enforce_key_length=False).generate(int(when)).decode("ascii")


@pytest.fixture
def clock(fake_clock):
    return fake_clock(totp_lookup, T0)


def make_lookup(vault_secrets=None, basedir=None):
    """The lookup as ansible-core's plugin loader would hand it out: its options known to the config manager."""
    if not C.config.has_configuration_definition("lookup", NAME):
        C.config.initialize_plugin_configuration_definitions("lookup", NAME, yaml.safe_load(totp_lookup.DOCUMENTATION)["options"])
    loader = DataLoader()
    loader.set_vault_secrets(VAULT if vault_secrets is None else vault_secrets)
    if basedir:
        loader.set_basedir(str(basedir))
    lookup = totp_lookup.LookupModule(loader=loader)
    lookup._load_name = NAME
    return lookup


def write_vault(path, values):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(VaultLib(VAULT).encrypt(yaml.safe_dump(values).encode()))
    return path


def secrets(**extra):
    values = {"user_name": "alice", "account_id": "123456789012",
              "sign_in_url": "https://123456789012.signin.aws.amazon.com/console",
              "password": "Initial-Passw0rd!", "serial_number": SERIAL, "seed": SEED,
              "otpauth_uri": f"otpauth://totp/AWS:alice@123456789012?secret={SEED}&issuer=AWS"}
    values.update(extra)
    return values


@pytest.fixture
def secrets_file(tmp_path):
    return write_vault(tmp_path / "123456789012" / "alice.yml", secrets())


def run(terms, lookup=None, variables=None, **options):
    return (lookup or make_lookup()).run(terms if isinstance(terms, list) else [terms], variables=variables or {}, **options)


@pytest.mark.parametrize("when,code8", RFC_VECTORS)
def test_rfc6238_vectors(tmp_path, clock, when, code8):
    path = write_vault(tmp_path / "rfc.yml", {"seed": RFC_SEED})
    clock.now = when
    assert run(str(path), min_validity=0) == [code8[-6:]]
    assert clock.sleeps == []


def test_code_of_an_iam_seed_is_a_six_digit_string(secrets_file, clock):
    (code,) = run(str(secrets_file))
    assert code == independent_code(SEED, T0)
    assert isinstance(code, str) and len(code) == 6 and code.isdigit()


def test_leading_zeros_are_kept(tmp_path, clock):
    clock.now = 1111111109
    assert run(str(write_vault(tmp_path / "rfc.yml", {"seed": RFC_SEED})), min_validity=0) == ["081804"]


@pytest.mark.parametrize("offset", [-1, 1, 2])
def test_step_offset_gives_another_windows_code(secrets_file, clock, offset):
    assert run(str(secrets_file), step_offset=offset) == [independent_code(SEED, T0 + 30 * offset)]
    assert independent_code(SEED, T0 + 30 * offset) != independent_code(SEED, T0)


def test_too_little_time_left_waits_for_the_next_window(secrets_file, clock):
    clock.now = W + 28.5  # 1.5 s left
    assert run(str(secrets_file)) == [independent_code(SEED, W + 30)]
    assert clock.sleeps == [pytest.approx(1.5)]


def test_waiting_then_step_offset(secrets_file, clock):
    clock.now = W + 25.0  # 5 s left
    assert run(str(secrets_file), min_validity=10, step_offset=1) == [independent_code(SEED, W + 60)]
    assert clock.sleeps == [5.0]


@pytest.mark.parametrize("now,min_validity", [(W + 28.5, 0), (W + 26.0, 3), (W + 27.0, 3), (W, 29), (W + 0.9, 29)])
def test_enough_time_left_does_not_wait(secrets_file, clock, now, min_validity):
    clock.now = now
    assert run(str(secrets_file), min_validity=min_validity) == [independent_code(SEED, now)]
    assert clock.sleeps == []


@pytest.mark.parametrize("min_validity", [-1, 30, 300])
def test_min_validity_must_fit_in_a_window(secrets_file, clock, min_validity):
    with pytest.raises(AnsibleError, match="min_validity must be between 0 and 29"):
        run(str(secrets_file), min_validity=min_validity)


def test_one_code_per_file(tmp_path, clock):
    other_seed = base64.b32encode(os.urandom(40)).decode("ascii")
    first = write_vault(tmp_path / "a.yml", secrets())
    second = write_vault(tmp_path / "b.yml", secrets(seed=other_seed))
    assert run([str(first), str(second)]) == [independent_code(SEED, T0), independent_code(other_seed, T0)]


def test_seed_under_another_key(tmp_path, clock):
    path = write_vault(tmp_path / "ci.yml", {"mfa_seed": SEED.lower()})
    assert run(str(path), key="mfa_seed") == [independent_code(SEED, T0)]


@pytest.mark.parametrize("output,expected", [
    ("serial_number", SERIAL),
    ("user_name", "alice"),
    ("account_id", "123456789012"),
    ("sign_in_url", "https://123456789012.signin.aws.amazon.com/console"),
])
def test_non_secret_values(secrets_file, output, expected):
    assert run(str(secrets_file), output=output) == [expected]


@pytest.mark.parametrize("output", ["password", "seed", "otpauth_uri", "nonsense"])
def test_secret_values_cannot_be_returned(secrets_file, output):
    with pytest.raises(AnsibleError) as info:
        run(str(secrets_file), output=output)
    assert f"Invalid value '{output}' for config 'output'" in str(info.value)
    assert SEED not in str(info.value) and "Initial-Passw0rd!" not in str(info.value)


def test_relative_paths_are_searched_in_files_then_next_to_the_playbook(tmp_path, clock):
    playbook_dir = tmp_path / "project"
    in_files = write_vault(playbook_dir / "files" / "secrets" / "alice.yml", secrets())
    beside = write_vault(playbook_dir / "secrets" / "bob.yml", secrets(user_name="bob"))
    lookup = make_lookup(basedir=playbook_dir)
    assert run("secrets/alice.yml", lookup, output="user_name") == ["alice"]
    assert run("secrets/bob.yml", lookup, output="user_name") == ["bob"]
    # A role's (or task file's) folders come first when Ansible gives the search path.
    role = tmp_path / "roles" / "admin"
    write_vault(role / "files" / "secrets" / "alice.yml", secrets(user_name="alice-of-the-role"))
    variables = {"ansible_search_path": [str(role), str(playbook_dir)], "role_path": str(role)}
    assert run("secrets/alice.yml", lookup, variables, output="user_name") == ["alice-of-the-role"]
    assert in_files.exists() and beside.exists()


def assert_clean(message, *secret_values):
    """An error message that names the problem and holds no secret (seed, lower-case seed, codes, password)."""
    for value in (SEED, SEED.lower(), "Initial-Passw0rd!", *secret_values):
        assert value not in message
    for offset in (-1, 0, 1):
        assert independent_code(SEED, T0 + 30 * offset) not in message


def error_of(terms, lookup=None, **options):
    with pytest.raises(AnsibleError) as info:
        run(terms, lookup, **options)
    return str(info.value)


def test_missing_file(tmp_path, clock):
    message = error_of("secrets/nobody.yml", make_lookup(basedir=tmp_path))
    assert "the secrets file secrets/nobody.yml was not found" in message
    assert "files/" in message
    message = error_of(str(tmp_path / "nobody.yml"))
    assert f"the secrets file {tmp_path / 'nobody.yml'} was not found" in message


def test_a_folder_is_not_a_secrets_file(tmp_path, clock):
    assert f"the secrets file {tmp_path} is not a file" in error_of(str(tmp_path))


def test_no_vault_secret(secrets_file, clock):
    message = error_of(str(secrets_file), make_lookup(vault_secrets=[]))
    assert str(secrets_file) in message
    assert "no vault secret was given to read it" in message
    assert "--vault-id" in message and "--vault-password-file" in message
    assert_clean(message)


def test_wrong_vault_password(secrets_file, clock):
    message = error_of(str(secrets_file), make_lookup(vault_secrets=WRONG_VAULT))
    assert str(secrets_file) in message and "cannot be decrypted" in message and "wrong vault password" in message
    assert_clean(message)


def test_not_a_vault_file(tmp_path, clock):
    plain = tmp_path / "plain.yml"
    plain.write_text(yaml.safe_dump(secrets()))
    message = error_of(str(plain))
    assert str(plain) in message and "not an Ansible Vault file" in message
    assert_clean(message)


def test_corrupt_vault_file(tmp_path, clock):
    corrupt = tmp_path / "corrupt.yml"
    blob = VaultLib(VAULT).encrypt(yaml.safe_dump(secrets()).encode())
    corrupt.write_bytes(blob[:-20] + b"0" * 20)
    message = error_of(str(corrupt))
    assert str(corrupt) in message and "cannot be decrypted" in message
    assert_clean(message)


def test_vault_file_that_is_not_a_mapping(tmp_path, clock):
    path = tmp_path / "list.yml"
    path.write_bytes(VaultLib(VAULT).encrypt(f"- {SEED}\n".encode()))
    message = error_of(str(path))
    assert str(path) in message and "does not hold a YAML mapping" in message
    assert_clean(message)


def test_no_seed_key(tmp_path, clock):
    path = write_vault(tmp_path / "alice.yml", {"user_name": "alice", "password": "Initial-Passw0rd!"})
    message = error_of(str(path))
    assert f"the secrets file {path} has no 'seed' key" in message
    assert_clean(message)
    assert "has no 'mfa_seed' key" in error_of(str(write_vault(tmp_path / "b.yml", secrets())), key="mfa_seed")


@pytest.mark.parametrize("bad_seed,words", [
    ("NOT-BASE32-SEED!!" + SEED[:20], "not valid base32"),
    (SEED[:8] + "0189" + SEED[12:], "not valid base32"),  # 0, 1, 8 and 9 are not in the base32 alphabet
    ("", "empty"),
    (SEED[:8], "too short"),
])
def test_seed_that_is_not_base32(tmp_path, clock, bad_seed, words):
    path = write_vault(tmp_path / "alice.yml", secrets(seed=bad_seed))
    message = error_of(str(path))
    assert f"the value of 'seed' in the secrets file {path} cannot be used" in message and words in message
    assert_clean(message, *([bad_seed] if bad_seed else []))


def test_password_as_the_seed_key_is_not_returned(tmp_path, clock):
    # key names where the seed is; whatever it names is only ever used as a seed, never returned.
    message = error_of(str(write_vault(tmp_path / "alice.yml", secrets())), key="password")
    assert "cannot be used" in message and "not valid base32" in message
    assert_clean(message)


def test_missing_non_secret_value(tmp_path):
    path = write_vault(tmp_path / "alice.yml", {"seed": SEED})
    assert f"the secrets file {path} has no 'serial_number'" in error_of(str(path), output="serial_number")


def test_nothing_secret_is_displayed_at_high_verbosity(secrets_file, clock, capsys, monkeypatch):
    monkeypatch.setattr(totp_lookup.display, "verbosity", 5)
    clock.now = W + 29.0  # makes the lookup wait, and say so
    (code,) = run(str(secrets_file))
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "waiting for the next one" in output
    assert SEED not in output and code not in output
