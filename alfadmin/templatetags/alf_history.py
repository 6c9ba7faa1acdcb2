"""``{% history_url obj %}``: the change log filtered to one object (and its parts), for its page's "History" link."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from alfadmin.kernel.changelog import model_key

register = template.Library()


@register.simple_tag
def history_url(obj) -> str:
    return f"{reverse('change-log')}?{urlencode({'model': model_key(type(obj)), 'object': obj.pk})}"


@register.simple_tag
def model_history_url(model_label: str) -> str:
    """The change log of one kind of object (``app_label.modelname``)."""
    return f"{reverse('change-log')}?{urlencode({'model': model_label})}"
