from django import forms

from core.forms import Form


class PasswordChangeForm(Form):
    old = forms.CharField(label="原密码", widget=forms.PasswordInput)
    new = forms.CharField(label="新密码", widget=forms.PasswordInput)
    new2 = forms.CharField(label="确认新密码", widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        from django.contrib.auth.password_validation import password_validators_help_texts

        super().__init__(*args, **kwargs)
        # from the configured validators, so the hint never disagrees with the rule
        self.fields["new"].help_text = "".join(password_validators_help_texts())
