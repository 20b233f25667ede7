"""Slack's published limits for what Tandem sends, in one place (Block Kit reference, chat.postMessage,
files.completeUploadExternal): a payload over any of them is refused with `invalid_blocks`, so every
renderer clips to these."""
from __future__ import annotations

MESSAGE_BLOCKS = 50  # blocks in a message
HOME_BLOCKS = 100  # blocks in a Home tab or modal view
SECTION_TEXT = 3000  # a section's text, a context element's text
SECTION_FIELDS = 10  # fields in one section
FIELD_TEXT = 2000  # one section field
CONTEXT_ELEMENTS = 10  # elements in one context block
HEADER_TEXT = 150  # a header's plain_text
BUTTON_TEXT = 75  # a button's label, an option's text
BUTTON_VALUE = 2000  # a button's value
OPTION_VALUE = 150  # a select option's value
SELECT_OPTIONS = 100  # options in one static select
VIEW_TITLE = 24  # a modal's title, submit and close labels
PRIVATE_METADATA = 3000  # a view's private_metadata
FALLBACK_TEXT = 3000  # the `text` notification fallback Tandem sends (Slack truncates long ones anyway)
FILE_ALT_TEXT = 1000  # alt_txt of an uploaded image
