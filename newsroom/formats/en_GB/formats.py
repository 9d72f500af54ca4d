"""British English with every date-time naming its zone (GMT or BST for Europe/London): the desk shows times
in the site's `TIME_ZONE`, and an editor must never have to guess which. Django's en_GB formats fill the rest."""

DATETIME_FORMAT = "j M Y, H:i T"  # 25 Oct 2026, 14:30 GMT
SHORT_DATETIME_FORMAT = "d/m/Y H:i T"  # 25/10/2026 14:30 GMT
TIME_FORMAT = "H:i"
