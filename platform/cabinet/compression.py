"""Text compression of answers: pages, JSON and the static CSS and JavaScript. Django's GZipMiddleware (which
pads every answer with random bytes against BREACH, see docs/decisions.md) limited to text: images, PDFs and
other downloads are compressed already, and partial (Range) answers must keep their byte offsets."""

from django.middleware.gzip import GZipMiddleware

TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/manifest+json",
              "application/xml", "image/svg+xml", "application/problem+json")


class TextGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if not content_type.startswith(TEXT_TYPES) or response.has_header("Content-Range"):
            return response
        return super().process_response(request, response)
