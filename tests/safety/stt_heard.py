"""placeholder"""

HEARD: tuple[tuple[str, str, str], ...] = ()
