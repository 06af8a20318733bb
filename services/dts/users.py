"""DTS users are PaperDesk users: created by their first ADD, unable to sign in until
an admin sets a password (their password hash matches no password)."""

from sqlalchemy import bindparam, insert, or_, select

from extensions import db
from models import AccountBalance, User
from services import direct
from services.errors import ServiceError
from utils.clock import utcnow

USERS, ACCOUNTS = User.__table__, AccountBalance.__table__
NO_PASSWORD = "!dts: no password set"
EMAIL_DOMAIN = "dts.invalid"
# By name, and by the e-mail a DTS user of that name in any case has: names are the same
# whatever their case (as on sign-in), which MySQL's collation compares and SQLite's not.
FIND = select(USERS.c.user_id, USERS.c.user_name, USERS.c.user_email).where(
    or_(USERS.c.user_name == bindparam("name"), USERS.c.user_email == bindparam("email"))
)


def email(name: str) -> str:
    """The e-mail address of DTS user ``name`` (the same for every case of the name)."""
    return f"{name.lower()}@{EMAIL_DOMAIN}"


class Directory:
    """user name -> user_id, remembered for a run (users are never renamed)."""

    def __init__(self):
        self.ids: dict[str, int] = {}

    def find(self, name: str) -> int | None:
        """The PaperDesk user id of DTS user ``name``, or None if there is none yet."""
        found = self.ids.get(name)
        if found is None:
            params = {"name": name, "email": email(name)}
            rows = direct.run(db.session.connection(), FIND, params).all()
            if not rows:
                return None
            row = next((r for r in rows if r.user_name == name), None)
            if row is None:
                raise ServiceError(
                    f"The user id {name} is taken by {rows[0].user_name}: "
                    "user ids differing only in case are the same user id."
                )
            if not row.user_email.endswith("@" + EMAIL_DOMAIN):
                raise ServiceError(f"{name} is a PaperDesk user, not a DTS user.")
            found = self.ids[name] = row.user_id
        return found

    def need(self, name: str) -> int:
        """The user id, or a ServiceError for an unknown user."""
        found = self.find(name)
        if found is None:
            raise ServiceError(f"Unknown user {name}.")
        return found

    def create(self, name: str) -> int:
        """Create the user and an empty account in the caller's transaction."""
        now = utcnow()
        result = db.session.execute(
            insert(USERS).values(
                user_name=name,
                user_email=email(name),
                user_password=NO_PASSWORD,
                is_enabled=True,
                created_at=now,
            )
        )
        user_id = result.inserted_primary_key[0]
        db.session.execute(
            insert(ACCOUNTS).values(
                user_id=user_id,
                available_balance=0,
                frozen_balance=0,
                total_balance=0,
                updated_at=now,
            )
        )
        return user_id

    def forget(self, name: str) -> None:
        """Forget a user created in a transaction that rolled back."""
        self.ids.pop(name, None)

    def remember(self, name: str, user_id: int) -> None:
        """Note a user created by this run."""
        self.ids[name] = user_id
