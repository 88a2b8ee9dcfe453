from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every form field renders through templates/forms/field.html: a label without
    Django's trailing colon, a legend for grouped choices, and errors with an id."""

    field_template_name = "forms/field.html"
