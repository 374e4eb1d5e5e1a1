"""One way to paginate lists, keeping the filter's query string on every page link."""

from django.core.paginator import Paginator

PAGE_SIZE = 25


def paginate(request, queryset, per_page=PAGE_SIZE):
    """The requested page of ``queryset``, with what ``includes/pagination.html`` needs:
    ``querystring`` (the filter without the page) and ``previous_link``/``next_link``
    (relative links to the neighbouring pages, empty at either end)."""
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    page.querystring = query.urlencode()
    prefix = f"?{page.querystring}&" if page.querystring else "?"
    page.previous_link = (
        f"{prefix}page={page.previous_page_number()}" if page.has_previous() else ""
    )
    page.next_link = f"{prefix}page={page.next_page_number()}" if page.has_next() else ""
    return page
