"""Messages a person reads: English here, translated by the Odoo addon (no Odoo import).

``_("its %(field)s is too long.", field="name")`` is the English text, a ``str``, that keeps
its source and parameters, so that the addon can translate the source (``env._``) and format
it again. Odoo's translation export finds these ``_()`` calls as it finds the addon's own."""


class Message(str):
    """English text that remembers the source it was formatted from and its parameters."""

    def __new__(cls, source, params=None):
        message = super().__new__(cls, source % params if params else source)
        message.source = source
        message.params = params or {}
        return message


def _(source, **params):
    """Mark ``source`` for translation; format it with ``params`` (``%(name)s``)."""
    return Message(source, params)


def message_of(error):
    """An exception's message: the Message it was raised with, else its text."""
    message = getattr(error, "message", None)
    if message is None:
        message = error.args[0] if len(error.args) == 1 else str(error)
    return message if isinstance(message, str) else str(error)


def translated(text, gettext):
    """``text`` (a Message, an exception whose message is one, or any text) in the language of
    ``gettext(source, **params)``, e.g. Odoo's ``env._``; messages among its parameters too."""
    if isinstance(text, BaseException):
        text = message_of(text)
    if not isinstance(text, Message):
        return text if isinstance(text, str) else str(text)
    params = {
        name: translated(value, gettext) if isinstance(value, (Message, BaseException)) else value
        for name, value in text.params.items()
    }
    return gettext(text.source, **params)
