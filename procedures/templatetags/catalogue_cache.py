"""``{% catalogue_fragment %}``: Django's ``{% cache %}`` for the public catalogue
pages, kept in this process's memory as well as the shared cache (see
``procedures/cache.py``)."""

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.safestring import SafeString, mark_safe

from ..cache import cached, digest

register = template.Library()


class CatalogueFragmentNode(template.Node):
    def __init__(
        self, nodelist: NodeList, name: str, vary_on: list[FilterExpression]
    ) -> None:
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context: template.Context) -> SafeString:
        parts = [var.resolve(context) for var in self.vary_on]
        key = f"catalogue:fragment:{self.name}:{digest(parts)}"
        # The content is rendered, hence safe, before it is kept.
        return mark_safe(cached(key, lambda: str(self.nodelist.render(context))))


@register.tag
def catalogue_fragment(parser: Parser, token: Token) -> CatalogueFragmentNode:
    """``{% catalogue_fragment name page_key other_key %}…{% endcatalogue_fragment %}``

    The first value after the name must be ``page_key`` (procedures.cache), which
    holds the catalogue version, the language and the day.
    """
    nodelist = parser.parse(("endcatalogue_fragment",))
    parser.delete_first_token()
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(
            f"{bits[0]} needs a name and the page key at least."
        )
    return CatalogueFragmentNode(
        nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]]
    )
