"""The backup's JSON format: Django's JSON serializer, with times to the microsecond.

Django's own JSON encoder cuts times to the millisecond, so a restored site
would differ from the one backed up in every timestamp's last three digits.
Foreign keys to content types are written by name (they differ between
databases); every other foreign key keeps its value, as the rows keep their
keys, so no row costs a query for its related rows. Restores read it with
Django's ordinary JSON deserializer.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import Deserializer as JSONDeserializer
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer


class ExactTimesEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            encoded = o.isoformat()
            return encoded[:-6] + "Z" if encoded.endswith("+00:00") else encoded
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactTimesEncoder

    def handle_fk_field(self, obj, field):
        if self.use_natural_foreign_keys and field.remote_field.model is ContentType:
            value = getattr(obj, field.attname)
            self._current[field.name] = ContentType.objects.get_for_id(value).natural_key() if value else None
            return
        self._current[field.name] = self._value_from_field(obj, field)


Deserializer = JSONDeserializer
