"""What a photo says about itself (``facts``: EXIF capture time, perceptual hash), read when it
is attached. Knows nothing of records; the flags raised from these facts are
``core/checks/photo_flags``. No Qt."""
