"""Exceptions a grader sees when the code under test misbehaves.

Every failure that comes from the submission is a `SubmissionError`. A student's
own exception is re-raised as a class that is also its builtin base (ValueError,
TypeError, ...), so `pytest.raises(ValueError)` behaves the same in-process and
isolated.
"""

import builtins


class SubmissionError(AssertionError):
    """The submission failed; the message is written for the student."""


class SubmissionImportError(SubmissionError):
    """The submission's module could not be imported."""


class CallTimeout(SubmissionError):
    """A call did not return within its time limit."""


class SubmissionCrashed(SubmissionError):
    """The process running the submission died."""


class ReferenceCallError(SubmissionError):
    """A graded function called the library it is graded against."""


class ProtocolError(SubmissionError):
    """The submission's process sent something that is not a valid reply."""


_RAISED_AS: dict[str, type] = {}


def builtin_base(exc: BaseException) -> str:
    """Name of the first builtin exception class in `exc`'s MRO."""
    for cls in type(exc).__mro__:
        if getattr(builtins, cls.__name__, None) is cls and issubclass(cls, BaseException):
            return cls.__name__
    return "Exception"


def student_exception(builtin_name: str, message: str, shown: str | None = None) -> SubmissionError:
    """A SubmissionError that is also an instance of the named builtin exception.

    `message` is what the student's code raised, so `pytest.raises(ValueError,
    match="size")` reads nothing else (not the function's name, not the source
    lines); `shown` (its `shown` attribute, default the message) is the text a
    report gives the student: which function raised it, and where.
    """
    base = getattr(builtins, builtin_name, None)
    if not (isinstance(base, type) and issubclass(base, Exception)) or issubclass(base, AssertionError):
        base = Exception
    cls = _RAISED_AS.get(base.__name__)
    if cls is None:
        try:
            cls = type(f"Student{base.__name__}", (SubmissionError, base), {})
        except TypeError:  # a builtin with its own instance layout (OSError, ...)
            cls = SubmissionError
        _RAISED_AS[base.__name__] = cls
    error = cls(message)
    error.shown = shown or message
    return error
