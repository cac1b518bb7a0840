"""The errors the client raises; the command line turns each into a message and an exit status."""


class TunetClientError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(TunetClientError):
    """The input cannot be published as it is (missing stain, unreadable image, unsafe id, too large).

    Raised before anything of the field was sent.
    """


class SchemaError(TunetClientError):
    """The project's .avsc files cannot be found or do not parse."""


class PublishError(TunetClientError):
    """Kafka could not be reached, or did not acknowledge every record of a field."""
