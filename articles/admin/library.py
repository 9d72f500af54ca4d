"""The desk's image library: thumbnails, search, the focal point, and the endpoints the text editor calls."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from .. import image_library
from ..embeds import parse_embed
from ..exceptions import ImageInUseError
from ..images import CleanImageFormField
from ..models import Article, LibraryImage

SEARCH_LIMIT = 24


def thumbnail(image, size=96):
    """An <img> of image's desk thumbnail, at most size pixels wide."""
    if not image or not image.file:
        return "—"
    return format_html(
        '<img class="library-thumb" src="{}" alt="{}" width="{}" loading="lazy">',
        image.thumbnail_url,
        image.alt,
        size,
    )


class FocalPointWidget(forms.HiddenInput):
    """The focal point's coordinate, set by clicking the thumbnail (static/articles/library.js)."""


class LibraryImageForm(forms.ModelForm):
    file = CleanImageFormField(label="Image file", required=True)

    class Meta:
        model = LibraryImage
        fields = ["file", "caption", "credit", "alt", "focal_x", "focal_y"]
        widgets = {"focal_x": FocalPointWidget, "focal_y": FocalPointWidget}


class LibraryImageChangeForm(forms.ModelForm):
    """The file stays as uploaded (its crops follow the focal point); its words and focal point change."""

    class Meta:
        model = LibraryImage
        fields = ["caption", "credit", "alt", "focal_x", "focal_y"]
        widgets = {"focal_x": FocalPointWidget, "focal_y": FocalPointWidget}


@admin.register(LibraryImage)
class LibraryImageAdmin(admin.ModelAdmin):
    list_display = ["thumb", "caption", "credit", "size", "used_by", "uploaded_by", "uploaded_at"]
    list_display_links = ["thumb", "caption"]
    search_fields = ["caption", "credit", "alt", "original_name", "file"]
    search_help_text = "Words from the caption, credit, alt text or file name."
    list_per_page = 48
    readonly_fields = ["focal_point", "crops", "used_in"]

    class Media:
        css = {"all": ["articles/admin.css"]}
        js = ["articles/library.js"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = LibraryImageChangeForm if obj else LibraryImageForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["file", "caption", "credit", "alt"]
        return ["focal_point", "focal_x", "focal_y", "caption", "credit", "alt", "crops", "used_in"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("uploaded_by")
        match = request.resolver_match
        if match and match.url_name == "articles_libraryimage_changelist":
            queryset = queryset.annotate(use_count=Count("stories", distinct=True))
        return queryset

    @admin.display(description="image")
    def thumb(self, image):
        return thumbnail(image)

    @admin.display(description="size")
    def size(self, image):
        return f"{image.width} × {image.height}" if image.width else "—"

    @admin.display(description="used by", ordering="use_count")
    def used_by(self, image):
        count = getattr(image, "use_count", 0)
        return f"{count} {'story' if count == 1 else 'stories'}" if count else "—"

    @admin.display(description="focal point")
    def focal_point(self, image):
        thumb = (image.renditions or {}).get("thumb") or {}
        return format_html(
            '<div class="focal-picker" data-focal-x="{}" data-focal-y="{}">'
            '<img src="{}" width="{}" height="{}" alt="{}"><span class="focal-picker__mark" aria-hidden="true"></span>'
            '</div><p class="help">Click the subject of the picture: crops for cards, squares and the hero keep '
            "it in view. Saved with the form.</p>",
            image.focal_x,
            image.focal_y,
            image.thumbnail_url,
            thumb.get("width") or 320,
            thumb.get("height") or "",
            image.alt,
        )

    @admin.display(description="crops")
    def crops(self, image):
        crops = (image.renditions or {}).get("crops") or {}
        items = [
            (crops[name]["jpeg"][0]["url"], label, crops[name]["jpeg"][0]["width"])
            for name, label in (("card", "Card 16:9"), ("square", "Square"), ("full", "Hero and text"))
            if crops.get(name, {}).get("jpeg")
        ]
        if not items:
            return "—"
        return format_html(
            '<div class="library-crops">{}</div>',
            format_html_join(
                "",
                '<figure><img src="{}" alt="" style="max-width:200px"><figcaption>{}</figcaption></figure>',
                ((url, label) for url, label, _width in items),
            ),
        )

    @admin.display(description="used in")
    def used_in(self, image):
        stories = list(image_library.stories_using(image).only("headline")[:50])
        if not stories:
            return "No story uses this image."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a></li>',
                ((reverse("admin:articles_article_change", args=[story.pk]), story.headline) for story in stories),
            ),
        )

    # Writes go through the library's services ---------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            image_library.image_update(
                image=obj,
                caption=data["caption"],
                credit=data["credit"],
                alt=data["alt"],
                focal_x=data.get("focal_x"),
                focal_y=data.get("focal_y"),
            )
            return
        created = image_library.create_library_image(
            file=data["file"], caption=data["caption"], credit=data["credit"], alt=data["alt"], user=request.user
        )
        obj.pk, obj.file = created.pk, created.file

    def delete_view(self, request, object_id, extra_context=None):
        image = self.get_object(request, object_id)
        if image is not None and image_library.stories_using(image).exists():
            self.message_user(
                request, str(ImageInUseError(image, list(image_library.stories_using(image)))), messages.ERROR
            )
            return redirect(reverse("admin:articles_libraryimage_change", args=[image.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        image_library.image_delete(image=obj)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            try:
                image_library.image_delete(image=image)
            except ImageInUseError as error:
                self.message_user(request, str(error), messages.ERROR)

    # Endpoints for the text editor and the hero chooser --------------------------------------------------------------

    def get_urls(self):
        def route(pattern, view, name):
            return path(pattern, self.admin_site.admin_view(view), name=f"articles_libraryimage_{name}")

        return [
            route("upload/", self.upload_view, "upload"),
            route("search/", self.search_view, "search"),
            route("<int:pk>/thumb/", self.thumb_view, "thumb"),
            route("embed/", self.embed_view, "embed"),
            *super().get_urls(),
        ]

    @staticmethod
    def as_json(image):
        return {
            "id": image.pk,
            "thumb": image.thumbnail_url,
            "caption": image.caption,
            "credit": image.credit,
            "alt": image.alt,
            "width": image.width,
            "height": image.height,
        }

    @staticmethod
    def _words(request, name, limit):
        return " ".join(request.POST.get(name, "").split())[:limit]

    def upload_view(self, request):
        """A file dropped or pasted into the text editor: checked, stored, cut; its id for the body's reference."""
        if request.method != "POST":
            return JsonResponse({"error": "Send the image with POST."}, status=405)
        if not self.has_add_permission(request):
            raise PermissionDenied
        upload = request.FILES.get("file")
        if upload is None:
            return JsonResponse({"error": "No file arrived; choose the image again."}, status=400)
        try:
            image = image_library.create_library_image(
                file=upload,
                caption=self._words(request, "caption", 300),
                credit=self._words(request, "credit", 200),
                alt=self._words(request, "alt", 300),
                user=request.user,
            )
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        return JsonResponse(self.as_json(image), status=201)

    def search_view(self, request):
        """The newest library images matching ?q=, for the editor's "insert from the library" list."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        images = LibraryImage.objects.search(request.GET.get("q", "")[:200])[:SEARCH_LIMIT]
        return JsonResponse({"results": [self.as_json(image) for image in images]})

    def embed_view(self, request):
        """Whether ?url= is an address the body can embed (the sanitiser's own rule), for the editor's paste."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        embed = parse_embed(request.GET.get("url", ""))
        if embed is None:
            return JsonResponse({"error": "Not an address we can embed; it stays a link."}, status=404)
        return JsonResponse({"url": embed.url, "provider": embed.name})

    def thumb_view(self, request, pk):
        """The desk thumbnail of an image, for the editor's view of a body figure."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        image = get_object_or_404(LibraryImage, pk=pk)
        return redirect(image.thumbnail_url)


class HeroChooserWidget(ForeignKeyRawIdWidget):
    """Pick the hero from the library (the lookup opens the library with thumbnails and search); shows its thumbnail."""

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        image = LibraryImage.objects.filter(pk=value).first() if str(value or "").isdigit() else None
        preview = thumbnail(image, 160) if image else ""
        return format_html('<div class="hero-chooser">{}{}</div>', preview, html)


def hero_chooser(site):
    return HeroChooserWidget(Article._meta.get_field("hero").remote_field, site)
