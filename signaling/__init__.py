"""How offers and answers move between people: compact tokens, clipboard, QR."""

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())
