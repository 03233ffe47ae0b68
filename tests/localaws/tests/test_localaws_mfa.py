"""EnableMFADevice / ResyncMFADevice accept only two consecutive TOTP codes of the device's seed."""

from localaws_testutil import code_pair, current_counter, error_code, fresh_counter


def _user_and_device(iam, user="alice", device="alice-mfa"):
    iam.create_user(UserName=user)
    created = iam.create_virtual_mfa_device(VirtualMFADeviceName=device)["VirtualMFADevice"]
    return created["SerialNumber"], created["Base32StringSeed"]


def _enable(iam, serial, codes, user="alice"):
    return iam.enable_mfa_device(UserName=user, SerialNumber=serial, AuthenticationCode1=codes[0], AuthenticationCode2=codes[1])


def test_wrong_codes_rejected_and_nothing_enabled(aws):
    iam = aws.client("iam")
    serial, seed = _user_and_device(iam)
    code1, code2 = code_pair(seed)
    for codes in (("000000", "000000"), (code2, code1), (code1, code1), (code1, "123456")):
        assert error_code(_enable, iam, serial, codes) == "InvalidAuthenticationCode"
    assert iam.list_mfa_devices(UserName="alice")["MFADevices"] == []
    assert iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"][0]["SerialNumber"] == serial


def test_right_consecutive_codes_accepted(aws):
    iam = aws.client("iam")
    serial, seed = _user_and_device(iam)
    _enable(iam, serial, code_pair(seed))
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName="alice")["MFADevices"]] == [serial]


def test_codes_of_another_seed_rejected(aws):
    iam = aws.client("iam")
    serial = _user_and_device(iam)[0]
    other_seed = _user_and_device(iam, user="bob", device="bob-mfa")[1]
    assert error_code(_enable, iam, serial, code_pair(other_seed)) == "InvalidAuthenticationCode"


def test_codes_outside_the_window_rejected(aws):
    iam = aws.client("iam")
    serial, seed = _user_and_device(iam)
    assert error_code(_enable, iam, serial, code_pair(seed, current_counter() - 10)) == "InvalidAuthenticationCode"


def test_used_codes_not_accepted_twice(aws):
    iam = aws.client("iam")
    serial, seed = _user_and_device(iam)
    now = fresh_counter()
    _enable(iam, serial, code_pair(seed, now))
    iam.deactivate_mfa_device(UserName="alice", SerialNumber=serial)
    assert error_code(_enable, iam, serial, code_pair(seed, now)) == "InvalidAuthenticationCode"
    _enable(iam, serial, code_pair(seed, now - 2))  # an unused pair still inside the window


def test_malformed_codes_are_a_validation_error(aws):
    iam = aws.client("iam")
    serial = _user_and_device(iam)[0]
    assert error_code(_enable, iam, serial, ("12345a", "123456")) == "ValidationError"


def test_unknown_virtual_serial_and_hardware_serial(aws):
    iam = aws.client("iam")
    _user_and_device(iam)
    missing = "arn:aws:iam::123456789012:mfa/nope"
    assert error_code(_enable, iam, missing, ("123456", "654321")) == "NoSuchEntity"
    _enable(iam, "GAHT12345678", ("123456", "654321"))  # hardware: any six-digit pair
    assert iam.list_mfa_devices(UserName="alice")["MFADevices"][0]["SerialNumber"] == "GAHT12345678"


def test_device_in_use_by_another_user(aws):
    iam = aws.client("iam")
    serial, seed = _user_and_device(iam)
    iam.create_user(UserName="bob")
    _enable(iam, serial, code_pair(seed))
    assert error_code(_enable, iam, serial, code_pair(seed, current_counter() - 2), user="bob") == "EntityAlreadyExists"


def test_resync_checks_assignment_and_codes(aws):
    iam = aws.client("iam")
    serial, seed = _user_and_device(iam)
    now = fresh_counter()

    def resync(codes):
        return iam.resync_mfa_device(UserName="alice", SerialNumber=serial, AuthenticationCode1=codes[0], AuthenticationCode2=codes[1])

    assert error_code(resync, code_pair(seed, now)) == "NoSuchEntity"  # not assigned yet
    _enable(iam, serial, code_pair(seed, now))
    assert error_code(resync, ("111111", "222222")) == "InvalidAuthenticationCode"
    resync(code_pair(seed, now - 2))


def test_assigned_device_cannot_be_deleted(aws):
    iam = aws.client("iam")
    serial, seed = _user_and_device(iam)
    _enable(iam, serial, code_pair(seed))
    assert error_code(iam.delete_virtual_mfa_device, SerialNumber=serial) == "DeleteConflict"
    iam.deactivate_mfa_device(UserName="alice", SerialNumber=serial)
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []
