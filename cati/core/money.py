"""Money: exact ``Decimal`` euros in code, integer cents in the database, one way to read and show it.

Never a float: amounts are parsed from text, converted to and from cents without loss, rounded half
up to the cent only where a rule says so, and shown in the Dutch way (``€ 1.234,50``) or plainly
for files (``1234.50``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


class MoneyError(ValueError):
    """Text that is not an amount of money (the message is Dutch, for the user)."""


def from_cents(cents: int) -> Decimal:
    """Integer cents (as stored) to Decimal euros with two places: ``4225 -> Decimal('42.25')``."""
    return (Decimal(cents) / 100).quantize(CENT)


def to_cents(amount: Decimal) -> int:
    """Decimal euros to integer cents; raises ``ValueError`` if the amount is not whole cents."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"amount {amount} is not a whole number of cents")
    return int(cents)


def round_cents(amount: Decimal) -> Decimal:
    """Round to the cent, half up (``21.125 -> 21.13``)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: str | Decimal | int | float, what: str = "Bedrag") -> Decimal:
    """``'42.50'``, ``'42,50'``, ``'€ 42,50'``, ``'1.234,50'`` -> ``Decimal('42.50')``: whole cents, not
    negative; :class:`MoneyError` otherwise (``what`` names the amount in the message)."""
    if isinstance(text, float):
        text = repr(text)
    raw = str(text).strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
    if "," in raw and "." in raw:
        raw = raw.replace(".", "")
    raw = raw.replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise MoneyError(f"{what} '{text}' is geen bedrag (bijvoorbeeld 42,50).") from None
    if not value.is_finite() or value < 0:
        raise MoneyError(f"{what} '{text}' moet een bedrag van 0 of meer zijn.")
    if value != value.quantize(CENT):
        raise MoneyError(f"{what} '{text}' heeft meer dan twee decimalen (hele centen).")
    return value.quantize(CENT)


def format_euro(amount: Decimal, dutch: bool = True) -> str:
    """``Decimal('1234.5') -> '€ 1.234,50'`` (Dutch) or ``'€ 1,234.50'``; exact, never float."""
    text = f"{abs(amount).quantize(CENT):,f}"
    if dutch:
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"€ {'-' if amount < 0 else ''}{text}"


def plain(amount: Decimal) -> str:
    """For files: ``1234.50`` (a point, two places, no thousands separator)."""
    return f"{amount.quantize(CENT):f}"
