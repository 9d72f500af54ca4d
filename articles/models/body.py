"""What the story body's editor offers; the sanitiser (`articles/sanitizer.py`) decides what is kept."""

BODY_EDITOR_CONFIG = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Underline": True,
        "Strike": True,
        "Subscript": True,
        "Superscript": True,
        "Heading": {"levels": [2, 3, 4]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "HorizontalRule": True,
        "HardBreak": True,
        "Link": {"protocols": ["http", "https", "mailto"], "enableTarget": True},
        "History": True,
        # Pictures from the image library and embeds, stored as references (static/articles/prose_media.js).
        "LibraryImage": True,
        "Embed": True,
        # Simple tables, as pasted from Word or Google Docs.
        "Table": True,
        "TableRow": True,
        "TableHeader": True,
        "TableCell": True,
    }
}
