"""``{% home_panel panel %}``: render a registered home panel (:mod:`..home`) with its own
context pushed on top of the page's, as ``{% include %}`` does with ``with``."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def home_panel(context, panel):
    panel_template = context.template.engine.get_template(panel.template_name)
    with context.push(panel.context):
        return panel_template.render(context)
