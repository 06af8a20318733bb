"""Column types shared by the models: money is Numeric, never float."""

from sqlalchemy import Numeric

Money = Numeric(15, 2)
Price = Numeric(12, 4)
