"""CreateLoginProfile and UpdateLoginProfile as IAM does them.

moto drops CreateLoginProfile's PasswordResetRequired, enforces no password policy, and
its UpdateLoginProfile wipes the password when only PasswordResetRequired is given.
moto does not keep when a password was set; the credential report needs it
(password_last_changed), so both note it in the local state.
"""

from localaws import responses
from localaws.iam import passwords


def _as_bool(value):
    return str(value).lower() == "true"


def _policy_error(call, password):
    problems = passwords.violations(password or "", passwords.policy_of(call.backend))
    if problems:
        return responses.error("PasswordPolicyViolation", "; ".join(problems))
    return None


def create_login_profile(call):
    """Enforce the policy, then let moto create the profile with PasswordResetRequired kept."""
    user = call.backend.users.get(call.request.param("UserName"))
    if user is None or user.password:
        return call.forward()  # moto answers NoSuchEntity / EntityAlreadyExists
    problem = _policy_error(call, call.request.param("Password"))
    if problem:
        return problem
    # moto's response reads the flag from the user, so set it first and undo it on failure.
    previous = user.password_reset_required
    user.password_reset_required = _as_bool(call.request.param("PasswordResetRequired", "false"))
    answer = call.forward()
    if answer.ok:
        call.state.password_set(call.request.account, user.id)
    else:
        user.password_reset_required = previous
    return answer


def update_login_profile(call):
    """Change only what was given, enforcing the policy on a new password."""
    user_name = call.request.param("UserName")
    user = call.backend.users.get(user_name)
    if user is None:
        return responses.error("NoSuchEntity", f"The user with name {user_name} cannot be found.")
    if not user.password:
        return responses.error("NoSuchEntity", f"Login Profile for User {user_name} cannot be found.")
    password = call.request.param("Password")
    if password is not None:
        problem = _policy_error(call, password)
        if problem:
            return problem
        user.password = password
        call.state.password_set(call.request.account, user.id)
    if call.request.param("PasswordResetRequired") is not None:
        user.password_reset_required = _as_bool(call.request.param("PasswordResetRequired"))
    return responses.query_result("UpdateLoginProfile")


HANDLERS = {
    "CreateLoginProfile": create_login_profile,
    "UpdateLoginProfile": update_login_profile,
}
