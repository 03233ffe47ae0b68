"""A local AWS endpoint for testing accountguard.aws: moto's server plus the IAM behaviour moto lacks.

moto models most of IAM, STS and Organizations, but the collection's modules depend on
behaviour moto does not have (MFA code checks, password policy, PasswordResetRequired,
root user state, a request log to prove check mode wrote nothing). This package wraps
moto's WSGI application with a middleware that adds exactly that, and serves it on
127.0.0.1 only.
"""

__version__ = "1.0.0"
