"""Text compression of answers: pages and the static CSS and JavaScript. Django's GZipMiddleware (which
pads every answer with random bytes against BREACH, see docs/decisions.md) limited to text: images, PDFs and
other downloads are compressed already, and partial (Range) answers must keep their byte offsets."""

from django.middleware.gzip import GZipMiddleware

# Pages, style sheets and scripts (and other text/*). JSON of the API is left to the client's transport: API
# clients and their test harnesses do not all decode gzip, and its answers carry keys' data.
TEXT_TYPES = ("text/", "application/javascript", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if not content_type.startswith(TEXT_TYPES) or response.has_header("Content-Range"):
            return response
        return super().process_response(request, response)
