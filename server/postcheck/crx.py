"""CRX3 packages: writing one signed with IT's key (for `make package`) and reading one back (for the
update manifest the server hands to Chrome and Edge).

CRX3 is "Cr24", the format version 3, a protobuf header, then the zip. The header carries the RSA public
key, the signature and the extension id (the first 16 bytes of the SHA-256 of the key, written with the
letters a-p), which is how a browser knows a later version comes from the same publisher. The few
protobuf fields are encoded by hand so reading needs nothing outside the standard library;
`cryptography` is needed only to sign.
"""
from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"Cr24"
_SIGNED_DATA_PREFIX = b"CRX3 SignedData\x00"
# CrxFileHeader field numbers (components/crx_file/crx3.proto)
_SHA256_WITH_RSA = 2
_SIGNED_HEADER_DATA = 10000
# AsymmetricKeyProof and SignedData
_PUBLIC_KEY, _SIGNATURE, _CRX_ID = 1, 2, 1


class CrxError(ValueError):
    """The file is not a CRX3 package this code can read."""


def extension_id(public_key_der: bytes) -> str:
    """Chrome's extension id for a public key (DER SubjectPublicKeyInfo)."""
    return id_from_crx_id(hashlib.sha256(public_key_der).digest()[:16])


def id_from_crx_id(crx_id: bytes) -> str:
    return "".join(chr(ord("a") + int(c, 16)) for c in crx_id.hex())


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        if pos >= len(data):
            raise CrxError("truncated header")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def _fields(data: bytes) -> list[tuple[int, bytes]]:
    """The length-delimited fields of a protobuf message (the only wire type CRX headers use)."""
    out, pos = [], 0
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 2:
            length, pos = _read_varint(data, pos)
            out.append((number, data[pos:pos + length]))
            pos += length
        elif wire == 0:
            _, pos = _read_varint(data, pos)
        else:
            raise CrxError(f"unexpected protobuf wire type {wire}")
    return out


def load_private_key(pem: bytes):
    from cryptography.hazmat.primitives import serialization

    return serialization.load_pem_private_key(pem, password=None)


def public_key_der(private_key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return private_key.public_key().public_bytes(serialization.Encoding.DER,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)


def generate_key_pem(bits: int = 2048) -> bytes:
    """A new RSA key in PKCS#8 PEM, the form Chromium's --pack-extension writes and reads."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def sign(zip_bytes: bytes, private_key_pem: bytes) -> bytes:
    """A CRX3 package of `zip_bytes` signed with the RSA key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    key = load_private_key(private_key_pem)
    der = public_key_der(key)
    signed_header_data = _field(_CRX_ID, hashlib.sha256(der).digest()[:16])
    message = _SIGNED_DATA_PREFIX + struct.pack("<I", len(signed_header_data)) + signed_header_data + zip_bytes
    signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    header = (_field(_SHA256_WITH_RSA, _field(_PUBLIC_KEY, der) + _field(_SIGNATURE, signature))
              + _field(_SIGNED_HEADER_DATA, signed_header_data))
    return MAGIC + struct.pack("<II", 3, len(header)) + header + zip_bytes


@dataclass(frozen=True)
class CrxInfo:
    extension_id: str
    version: str
    manifest: dict
    public_key_der: bytes


def read(data: bytes, verify: bool = False) -> CrxInfo:
    """The id, version and manifest of a CRX3 package. With `verify`, the signature is checked too."""
    if len(data) < 12 or data[:4] != MAGIC:
        raise CrxError("not a CRX file (no Cr24 magic)")
    version, header_size = struct.unpack("<II", data[4:12])
    if version != 3:
        raise CrxError(f"CRX format version {version}; only CRX3 is supported")
    header = data[12:12 + header_size]
    archive = data[12 + header_size:]
    proofs, signed_header_data = [], b""
    for number, payload in _fields(header):
        if number == _SHA256_WITH_RSA:
            proof = dict(_fields(payload))
            proofs.append((proof.get(_PUBLIC_KEY, b""), proof.get(_SIGNATURE, b"")))
        elif number == _SIGNED_HEADER_DATA:
            signed_header_data = payload
    crx_id = dict(_fields(signed_header_data)).get(_CRX_ID)
    if not crx_id:
        raise CrxError("the header has no extension id")
    # The id is the key's hash; of the proofs, the one whose key matches it is the publisher's.
    own = [(der, sig) for der, sig in proofs if hashlib.sha256(der).digest()[:16] == crx_id]
    if not own:
        raise CrxError("no signature by the key the extension id names")
    der, signature = own[0]
    if verify:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding

        message = _SIGNED_DATA_PREFIX + struct.pack("<I", len(signed_header_data)) + signed_header_data + archive
        try:
            serialization.load_der_public_key(der).verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise CrxError("the signature does not match the contents") from None
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as zf:
            manifest = json.loads(zf.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise CrxError(f"the archive has no readable manifest.json ({exc})") from None
    return CrxInfo(id_from_crx_id(crx_id), str(manifest.get("version", "")), manifest, der)


def read_file(path: Path, verify: bool = False) -> CrxInfo:
    return read(Path(path).read_bytes(), verify=verify)


def version_key(version: str) -> tuple[int, ...]:
    """Chrome's ordering of versions: up to four dot-separated integers."""
    try:
        return tuple(int(part) for part in version.split("."))
    except ValueError:
        return (-1,)
