// The WebAuthn ceremony of Cognate's hosted pages: the page carries the options (as Cognito
// shapes them, base64url inside) in its form; on a click this asks the browser for the passkey
// and posts the browser's answer (its JSON form) in the same form. Pages work without it for
// every other way of signing in.
(function () {
  'use strict';
  var form = document.getElementById('passkeyForm');
  var button = document.getElementById('passkeyButton');
  var status = document.getElementById('passkeyStatus');
  if (!form || !button) return;
  if (!window.PublicKeyCredential || !navigator.credentials) {
    status.textContent = 'This browser cannot use passkeys. Sign in another way.';
    return;
  }
  var fromB64url = function (text) {
    var b64 = text.replace(/-/g, '+').replace(/_/g, '/');
    var raw = atob(b64 + '===='.slice(b64.length % 4 || 4));
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); }).buffer;
  };
  var toB64url = function (buffer) {
    var bytes = new Uint8Array(buffer), raw = '';
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };
  var ids = function (list) {
    return (list || []).map(function (c) { return Object.assign({}, c, { id: fromB64url(c.id) }); });
  };
  // The options as the browser takes them (where it cannot parse the JSON form itself).
  var parse = function (options, ceremony) {
    var parsed = Object.assign({}, options, { challenge: fromB64url(options.challenge) });
    if (ceremony === 'create') {
      parsed.user = Object.assign({}, options.user, { id: fromB64url(options.user.id) });
      parsed.excludeCredentials = ids(options.excludeCredentials);
    } else {
      parsed.allowCredentials = ids(options.allowCredentials);
    }
    return parsed;
  };
  var asJson = function (credential) {
    if (credential.toJSON) return credential.toJSON();
    var r = credential.response, response = { clientDataJSON: toB64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toB64url(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toB64url(r.authenticatorData);
      response.signature = toB64url(r.signature);
      if (r.userHandle) response.userHandle = toB64url(r.userHandle);
    }
    return {
      id: credential.id, rawId: toB64url(credential.rawId), type: credential.type, response: response,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
    };
  };
  button.addEventListener('click', function () {
    var ceremony = form.dataset.ceremony;
    var options = JSON.parse(form.elements.options.value);
    var publicKey = parse(options, ceremony);
    status.textContent = '';
    button.disabled = true;
    var asked = ceremony === 'create'
      ? navigator.credentials.create({ publicKey: publicKey })
      : navigator.credentials.get({ publicKey: publicKey });
    asked.then(function (credential) {
      form.elements.credential.value = JSON.stringify(asJson(credential));
      form.submit();
    }, function (error) {
      button.disabled = false;
      if (ceremony === 'create' && error.name === 'InvalidStateError') {
        status.textContent = 'This authenticator already has a passkey for this account.';
      } else if (ceremony === 'create') {
        status.textContent = 'No passkey was created (' + error.name + '). Try again.';
      } else {
        status.textContent = 'No passkey was used (' + error.name + '). Try again, or sign in another way.';
      }
    });
  });
}());
