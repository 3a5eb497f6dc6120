"""English pages keep the Vietnamese dates (portal.moments): 03/06/2024, 03/06/2024 17:00."""

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
