"""The four stains, by their Avro symbol and by the HPA file suffix."""

import enum

from .errors import InputError


class Stain(enum.Enum):
    """A stain; the value is the Avro ``Stain`` symbol."""

    RED = "RED_MICROTUBULES"
    GREEN = "GREEN_PROTEIN"
    BLUE = "BLUE_NUCLEUS"
    YELLOW = "YELLOW_ER"

    @property
    def suffix(self) -> str:
        """The HPA file-name suffix: ``red``, ``green``, ``blue`` or ``yellow``."""
        return self.name.lower()

    @classmethod
    def from_suffix(cls, suffix: str) -> "Stain":
        return cls[suffix.upper()]

    @classmethod
    def of(cls, key) -> "Stain":
        """A stain from a ``Stain``, a suffix (``"red"``) or an Avro symbol (``"RED_MICROTUBULES"``)."""
        if isinstance(key, Stain):
            return key
        if isinstance(key, str):
            for stain in cls:
                if key.lower() == stain.suffix or key == stain.value:
                    return stain
        raise InputError(f"unknown stain {key!r}: use red, green, blue or yellow")
