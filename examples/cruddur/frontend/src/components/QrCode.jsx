// A QR code of `text` as a picture (a PNG data URL made in the browser), for an authenticator
// app to scan; the same text is shown beside it for people who type the key instead.
import { useEffect, useState } from 'react';
import QRCode from 'qrcode';

export default function QrCode({ text, label }) {
  const [src, setSrc] = useState('');
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(text, { margin: 2, width: 220 }).then((url) => live && setSrc(url));
    return () => {
      live = false;
    };
  }, [text]);
  return src ? <img className="qr" src={src} alt={label} width="220" height="220" /> : null;
}
