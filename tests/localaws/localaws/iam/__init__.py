"""IAM behaviour moto does not model, as handlers keyed by IAM action name.

A handler takes a ``localaws.middleware.Call`` and returns a ``Response``: it may answer
by itself, check the request and then ``call.forward()`` it to moto, or rewrite moto's
answer.
"""

from localaws.iam import alias, credreport, login, mfa, organizations, root

HANDLERS = {**mfa.HANDLERS, **login.HANDLERS, **root.HANDLERS, **credreport.HANDLERS, **organizations.HANDLERS, **alias.HANDLERS}
