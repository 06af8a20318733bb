"""Column types for money and prices: exact decimals on every database.

MySQL/MariaDB store NUMERIC(p, s) exactly. SQLite would store NUMERIC values with
fractions as binary floating point, so there a value is stored as an integer count
of its smallest unit (cents for cash, ten-thousandths for prices): sums,
comparisons and CHECK constraints stay exact, and Python always sees Decimal.
"""

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, Numeric
from sqlalchemy.types import TypeDecorator


class ScaledDecimal(TypeDecorator):
    """A Decimal with ``scale`` places: NUMERIC(precision, scale), or scaled BIGINT on SQLite."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int):
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None or dialect.name != "sqlite":
            return value
        scaled = Decimal(str(value) if isinstance(value, float) else value).scaleb(self.scale)
        return int(scaled.to_integral_value(ROUND_HALF_UP))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale)
        return Decimal(value)

    @property
    def python_type(self):
        return Decimal


Money = ScaledDecimal(15, 2)
Price = ScaledDecimal(12, 4)
Percent = ScaledDecimal(8, 4)
Ratio = ScaledDecimal(12, 2)
