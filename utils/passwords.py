"""The password policy, as a pure check."""

COMMON_PASSWORDS = {
    "password123",
    "password1234",
    "qwerty12345",
    "1234567890a",
    "letmein12345",
    "iloveyou123",
    "admin123secure",
    "welcome12345",
}


def password_problems(password: str, username: str = "", min_length: int = 10) -> list[str]:
    """Return what is wrong with ``password`` (an empty list when it is acceptable)."""
    problems = []
    if len(password) < min_length:
        problems.append(f"Password must be at least {min_length} characters.")
    if len(password) > 128:
        problems.append("Password must be at most 128 characters.")
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        problems.append("Password must contain both letters and digits.")
    lowered = password.lower()
    if username and username.lower() in lowered:
        problems.append("Password must not contain the username.")
    if lowered in COMMON_PASSWORDS:
        problems.append("That password is too common.")
    return problems
