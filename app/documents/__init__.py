"""Documents Haven hands out (PDF): one look, fonts for every script Haven's clients read,
right-to-left text shaped properly. :class:`app.documents.pdf.Document` is the builder."""
