from django import forms


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter a valid email address, like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    regions = forms.TypedMultipleChoiceField(
        label="Regions",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Please choose regions from the list."},
    )
    topics = forms.TypedMultipleChoiceField(
        label="Topics",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Please choose topics from the list."},
    )

    def __init__(self, *args, regions=(), topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = [(tag.pk, tag.name) for tag in regions]
        self.fields["topics"].choices = [(tag.pk, tag.name) for tag in topics]

    def clean_email(self):
        return self.cleaned_data["email"].strip()
