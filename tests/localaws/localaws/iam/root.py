"""The root user's state (set through /_localaws/root) in GetAccountSummary and ListVirtualMFADevices.

moto always reports AccountMFAEnabled 0, has no AccountPasswordPresent, and never lists a
root MFA device. Its MFADevices counts only virtual devices and MFADevicesInUse only users'
devices; AWS describes the SummaryMap keys (IAM API documentation of GetAccountSummary, as the
AWS SDKs carry it) as MFADevices "Number of MFA devices, either assigned or unassigned" and
MFADevicesInUse "Number of MFA devices that have been assigned to an IAM user or to the root
account", so both also count the root's device, and MFADevices the users' hardware devices.

A root virtual device deactivated in a privileged root session (localaws/rootsession.py) stays, unassigned,
until deleted: ListVirtualMFADevices lists it for AssignmentStatus Unassigned or Any, MFADevices counts it.

moto's ListVirtualMFADevices also carries every device's seed and QR code, which real IAM
returns only once, from CreateVirtualMFADevice; they are removed here so that nothing
works locally that would fail against AWS.
"""

import re
from datetime import datetime, timezone

from localaws import responses

_SEED_RE = re.compile(r"<Base32StringSeed>[^<]*</Base32StringSeed>|<QRCodePNG>[^<]*</QRCodePNG>")


def iso(timestamp, fmt="%Y-%m-%dT%H:%M:%SZ"):
    """An ISO 8601 UTC timestamp as AWS writes it in XML (the credential report uses "+00:00")."""
    return datetime.fromtimestamp(timestamp, timezone.utc).strftime(fmt)


def _set_summary_value(xml, key, value):
    """Set one SummaryMap entry (<entry><key>K</key><value>V</value></entry>), adding it if missing."""
    pattern = re.compile(rf"(<entry><key>{key}</key><value>)[^<]*(</value></entry>)")
    if pattern.search(xml):
        return pattern.sub(rf"\g<1>{value}\g<2>", xml, count=1)
    return xml.replace("</SummaryMap>", f"<entry><key>{key}</key><value>{value}</value></entry></SummaryMap>", 1)


def mfa_device_counts(backend, state):
    """(MFADevices, MFADevicesInUse) of one account: virtual devices assigned or not, plus hardware
    devices (IAM knows those only while assigned), plus the root's device; in use: the assigned ones."""
    root_device = int(state.mfa != "none")
    assigned = [serial for user in list(backend.users.values()) for serial in user.mfa_devices]
    hardware = [serial for serial in assigned if serial not in backend.virtual_mfa_devices]
    return len(backend.virtual_mfa_devices) + len(hardware) + root_device, len(assigned) + root_device


def get_account_summary(call):
    """moto's summary with the root user's flags and the MFA device counts filled in."""
    answer = call.forward()
    if not answer.ok:
        return answer
    state = call.state.roots.get(call.request.account)
    devices, in_use = mfa_device_counts(call.backend, state)
    devices += len(_unassigned_root_devices(call, state))
    xml = answer.text()
    xml = _set_summary_value(xml, "MFADevices", devices)
    xml = _set_summary_value(xml, "MFADevicesInUse", in_use)
    xml = _set_summary_value(xml, "AccountMFAEnabled", int(state.mfa != "none"))
    xml = _set_summary_value(xml, "AccountPasswordPresent", int(state.password))
    xml = _set_summary_value(xml, "AccountAccessKeysPresent", int(state.access_keys > 0))
    xml = _set_summary_value(xml, "AccountSigningCertificatesPresent", int(state.signing_certificates))
    return answer.with_text(xml)


def root_device_xml(account_id, state, created):
    """The <member> real IAM lists for a root user's virtual MFA device."""
    return (
        f"<member><SerialNumber>arn:aws:iam::{account_id}:mfa/{responses.xml_escape(state.virtual_device_name)}</SerialNumber>"
        f"<User><Path>/</Path><UserId>{account_id}</UserId><Arn>arn:aws:iam::{account_id}:root</Arn>"
        f"<CreateDate>{iso(created)}</CreateDate></User>"
        f"<EnableDate>{iso(state.mfa_since)}</EnableDate></member>"
    )


def _unassigned_root_devices(call, state):
    """Names of the root's deactivated, not deleted virtual devices (not the one it has now)."""
    names = call.state.unassigned_root_devices(call.request.account)
    return sorted(name for name in names if not (state.mfa == "virtual" and name == state.virtual_device_name))


def list_virtual_mfa_devices(call):
    """moto's list without seeds, plus the root's devices (first page only): its virtual one (assigned) and
    those deactivated in a root session (unassigned)."""
    answer = call.forward()
    if not answer.ok:
        return answer
    xml = _SEED_RE.sub("", answer.text())
    account = call.request.account
    state = call.state.roots.get(account)
    status = call.request.param("AssignmentStatus") or "Any"
    member = ""
    if state.mfa == "virtual" and status in ("Any", "Assigned"):
        member = root_device_xml(account, state, call.state.created)
    if status in ("Any", "Unassigned"):
        member += "".join(f"<member><SerialNumber>arn:aws:iam::{account}:mfa/{responses.xml_escape(name)}</SerialNumber></member>"
                          for name in _unassigned_root_devices(call, state))
    if member and not call.request.param("Marker"):
        if "<VirtualMFADevices/>" in xml:
            xml = xml.replace("<VirtualMFADevices/>", f"<VirtualMFADevices>{member}</VirtualMFADevices>", 1)
        else:
            xml = xml.replace("<VirtualMFADevices>", f"<VirtualMFADevices>{member}", 1)
    return answer.with_text(xml)


HANDLERS = {
    "GetAccountSummary": get_account_summary,
    "ListVirtualMFADevices": list_virtual_mfa_devices,
}
