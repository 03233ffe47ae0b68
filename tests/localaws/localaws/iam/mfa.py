"""EnableMFADevice and ResyncMFADevice with real code checks.

moto accepts any codes; real IAM accepts only two consecutive TOTP codes of the device's
seed, and not the same codes twice. The seed is moto's own (VirtualMfaDevice.base32_string_seed),
so the codes a test or module computes from CreateVirtualMFADevice's answer are the ones
that pass. A serial that is not an ARN is a hardware device: any two six-digit codes pass.
Deleting a device that is still assigned is a DeleteConflict, as in IAM.
"""

from localaws import responses
from localaws.iam import totp

INVALID_CODE = "Authentication code for device is not valid."


def _bad_format():
    return responses.error(
        "ValidationError",
        "2 validation errors detected: Value at 'authenticationCode1' and 'authenticationCode2' "
        "failed to satisfy constraint: Member must be exactly 6 digits",
    )


def _check_codes(call, device):
    """Return (error Response or None, replay key and counters to remember once the call succeeds)."""
    code1 = call.request.param("AuthenticationCode1")
    code2 = call.request.param("AuthenticationCode2")
    if not totp.well_formed(code1, code2):
        return _bad_format(), None
    if device is None:
        return None, None
    counter = totp.matching_counter(device.base32_string_seed, code1, code2)
    key = (call.request.account, device.serial_number, device.base32_string_seed)
    if counter is None or call.state.counters_used(key, (counter, counter + 1)):
        return responses.error("InvalidAuthenticationCode", INVALID_CODE), None
    return None, (key, (counter, counter + 1))


def enable_mfa_device(call):
    """Check the device and its codes, then let moto assign it."""
    backend = call.backend
    user_name = call.request.param("UserName")
    serial = call.request.param("SerialNumber") or ""
    if user_name not in backend.users:
        return call.forward()  # moto answers NoSuchEntity for the user
    device = backend.virtual_mfa_devices.get(serial)
    if device is None and serial.startswith("arn:"):
        return responses.error("NoSuchEntity", f"VirtualMFADevice with serial number {serial} does not exist.")
    if device is not None and device.user is not None and device.user.name != user_name:
        return responses.error("EntityAlreadyExists", f"MFA device {serial} is already in use by another user.")
    if serial in backend.users[user_name].mfa_devices:
        return call.forward()  # moto answers EntityAlreadyExists
    problem, accepted = _check_codes(call, device)
    if problem:
        return problem
    answer = call.forward()
    if answer.ok and accepted:
        call.state.use_counters(*accepted)
    return answer


def resync_mfa_device(call):
    """moto has no ResyncMFADevice: check the assignment and the codes and answer success."""
    backend = call.backend
    user_name = call.request.param("UserName")
    serial = call.request.param("SerialNumber") or ""
    user = backend.users.get(user_name)
    if user is None:
        return responses.error("NoSuchEntity", f"The user with name {user_name} cannot be found.")
    if serial not in user.mfa_devices:
        return responses.error("NoSuchEntity", f"MFA device with serial number {serial} is not assigned to user {user_name}.")
    problem, accepted = _check_codes(call, backend.virtual_mfa_devices.get(serial))
    if problem:
        return problem
    if accepted:
        call.state.use_counters(*accepted)
    return responses.query_result("ResyncMFADevice")


def delete_virtual_mfa_device(call):
    """Real IAM refuses to delete a device still assigned to a user; moto deletes it."""
    serial = call.request.param("SerialNumber") or ""
    device = call.backend.virtual_mfa_devices.get(serial)
    if device is not None and device.user is not None:
        return responses.error(
            "DeleteConflict",
            f"MFA device {serial} is assigned to user {device.user.name}; deactivate it before deleting it.",
        )
    return call.forward()


HANDLERS = {
    "EnableMFADevice": enable_mfa_device,
    "ResyncMFADevice": resync_mfa_device,
    "DeleteVirtualMFADevice": delete_virtual_mfa_device,
}
