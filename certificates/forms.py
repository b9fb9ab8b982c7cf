"""Forms an employer fills in: a code to look up, a PDF to check."""

from io import BytesIO

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from .codes import MAX_INPUT_LENGTH

CODE_HELP = (
    "Printed on the certificate under “Certificate code”, for example "
    "7KQ2-M9XD-4TRA-WP3N-HC5B. Capitals and dashes are optional."
)


def check_max_bytes() -> int:
    return int(getattr(settings, "CERTIFICATE_CHECK_MAX_BYTES", 5 * 1024 * 1024))


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="Certificate code",
        max_length=MAX_INPUT_LENGTH,
        help_text=CODE_HELP,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
        error_messages={"required": "Enter the code printed on the certificate."},
    )


class CheckPdfForm(forms.Form):
    file = forms.FileField(
        label="Certificate PDF",
        help_text="The PDF file exactly as you received it, up to 5 MB. It is "
        "checked and then discarded: we do not keep it.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={"required": "Choose the certificate's PDF file."},
    )

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean(self):
        if self.too_large:
            self.errors.pop("file", None)
            raise forms.ValidationError(
                {
                    "file": "That file is larger than 5 MB, so it is not a certificate "
                    "we issued."
                }
            )
        return super().clean()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > check_max_bytes():
            raise forms.ValidationError("The file is larger than 5 MB.")
        upload.seek(0)
        if upload.read(5) != b"%PDF-":
            raise forms.ValidationError(
                "That file is not a PDF. Choose the certificate's PDF file."
            )
        upload.seek(0)
        return upload


class CappedMemoryUploadHandler(FileUploadHandler):
    """Keeps an upload in memory and stops reading it past a size limit.

    Replaces Django's handlers for the PDF check, which would otherwise write a large
    upload to a temporary file: an uploaded certificate is hashed and forgotten,
    never stored, not even briefly on disk.
    """

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
        self.too_large = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.chunks: list[bytes] = []
        self.size = 0

    def receive_data_chunk(self, raw_data, start):
        self.size += len(raw_data)
        if self.size > self.limit:
            self.too_large = True
            self.chunks = []
            raise StopUpload(connection_reset=False)
        self.chunks.append(raw_data)
        return None

    def file_complete(self, file_size):
        data = BytesIO(b"".join(self.chunks))
        self.chunks = []
        return InMemoryUploadedFile(
            file=data,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )
