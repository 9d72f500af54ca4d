"""The reader's search form: the words, the order, a section and a date range, each checked."""

from django import forms

from articles.search import MAX_QUERY_LENGTH, clean_query

SORTS = [("relevance", "Best match"), ("date", "Newest first")]


class SearchForm(forms.Form):
    """Reads `?q=…&sort=…&section=region:slug&from=YYYY-MM-DD&to=YYYY-MM-DD`; a bad filter is reported and ignored."""

    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH * 4, label="Search our stories")
    sort = forms.ChoiceField(choices=SORTS, required=False, label="Order")
    section = forms.ChoiceField(required=False, label="Section")
    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data, *, sections):
        # `from` is a Python keyword: the form's fields are start and end, the address says from and to.
        data = {"q": data.get("q", ""), "sort": data.get("sort", ""), "section": data.get("section", ""),
                "start": data.get("from", ""), "end": data.get("to", "")}  # fmt: skip
        super().__init__(data)
        self.fields["section"].choices = [("", "All sections"), *sections]

    def clean_q(self):
        return clean_query(self.cleaned_data["q"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end date is before the start date.")
        return cleaned

    def value(self, name, default=""):
        """A field's cleaned value, or the default when it was missing or refused."""
        if not self.is_bound:
            return default
        self.is_valid()
        return self.cleaned_data.get(name) or default
