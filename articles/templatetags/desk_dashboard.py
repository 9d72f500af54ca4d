"""The desk's front page asks for its panels here: `{% desk_dashboard as dashboard %}`."""

from django import template

from ..admin.dashboard import dashboard_for

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_dashboard(context):
    return dashboard_for(context["request"])
