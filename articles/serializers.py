"""The backup's JSON format: Django's JSON serializer, with times to the microsecond.

Django's own JSON encoder cuts times to the millisecond, so a restored site
would differ from the one backed up in every timestamp's last three digits.
Restores read it with Django's ordinary JSON deserializer.
"""

import datetime

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


Deserializer = JSONDeserializer
