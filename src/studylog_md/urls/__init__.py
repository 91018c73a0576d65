"""URL facts the linter needs, offline and stdlib only: equivalence keys, tracking parameters,
signed URLs that expire.

Three jobs, one per public function family:

* :func:`canonical_url` — a key under which equivalent spellings of one resource compare equal
  (``duplicate-url``). It is a *key*, not a URL to visit: the scheme is gone.
* :func:`tracking_params` / :func:`strip_tracking` — parameters that only say where a click
  came from (``tracking-params``). ``strip_tracking`` is applied as a byte-span fix, so it
  removes those parameters and changes nothing else.
* :func:`expiry` — signed CDN or cloud-storage URLs that stop working at a date
  (``expiring-url``).

None of these functions raises, whatever the input: a study log is full of hand-typed URLs.

Tracking parameters (names compared case-insensitively):

* everywhere: any ``utm_*``, and ``fbclid gclid gclsrc dclid gbraid wbraid msclkid twclid
  ttclid li_fat_id igshid igsh yclid ysclid _hsenc _hsmi __hstc __hssc __hsfp hsctatracking
  mc_cid mc_eid mkt_tok _ga _gl ref_src ref_url spm vero_id vero_conv oly_anon_id oly_enc_id
  rb_clid s_kwcid ef_id _branch_match_id wickedid``;
* on YouTube (``youtube.com``, ``youtu.be``) ``si`` and ``pp``; on Spotify ``si``; on
  Twitter/X ``s`` and ``t``; on LinkedIn ``trk``, ``trkemail``, ``trackingid``, ``lipi``; on
  Medium ``source``. These names are ordinary words elsewhere, so they count only there.

Signed URLs (:func:`expiry`) are recognised only where the parameters leave no doubt; an
ordinary ``?expires=`` or ``?e=`` means nothing by itself:

* Facebook/Instagram CDN (``*.fbcdn.net``, ``*.cdninstagram.com``): ``oe`` = hex Unix time;
* Discord CDN (``cdn.discordapp.com``, ``media.discordapp.net``): ``ex`` = hex Unix time;
* LinkedIn media (``*.licdn.com``): ``e`` = Unix time, with ``t`` (the token);
* Google Video (``*.googlevideo.com``): ``expire`` = Unix time;
* AWS SigV4 presigned: ``X-Amz-Expires`` (seconds after ``X-Amz-Date``);
* Google Cloud Storage V4: ``X-Goog-Expires`` (seconds after ``X-Goog-Date``);
* Azure SAS: ``se`` (ISO 8601) *with* ``sig``;
* ``Expires`` (Unix time) *with* ``Signature`` or ``sig`` — CloudFront canned policy (with
  ``Key-Pair-Id``), AWS SigV2 (``AWSAccessKeyId``), GCS V2 (``GoogleAccessId``), or another
  signer;
* CloudFront custom policy: ``Policy`` + ``Signature`` + ``Key-Pair-Id`` (the date is read
  from the policy when it decodes).
"""

from __future__ import annotations

from .canonical import canonical_url
from .parts import is_http, split_fragment
from .signed import Expiry, expiry, expiry_date
from .tracking import TRACKING_PARAMS, strip_tracking, tracking_params

__all__ = [
    "TRACKING_PARAMS",
    "Expiry",
    "canonical_url",
    "expiry",
    "expiry_date",
    "is_http",
    "split_fragment",
    "strip_tracking",
    "tracking_params",
]
