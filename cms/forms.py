"""The base of the news admin's image form (WAGTAILIMAGES_IMAGE_FORM_BASE): editors' uploads pass the same
picture check as every other upload (cabinet.images)."""

from wagtail.images.forms import BaseImageForm

from cabinet import images


class EditorialImageForm(BaseImageForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        images.check_image(upload, images.EDITORIAL_IMAGE)
        return upload
