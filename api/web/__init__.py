"""The web page: server-rendered pages for chairs, members and auditors, beside the JSON API.

Each page calls the same read functions as the JSON routes and renders what they return; its
forms call the same commands, validated by the same request schemas. Pages authenticate by a
session cookie, `/v1` by bearer tokens only. Templates, styles and the one script ship in this
package; nothing is loaded from elsewhere.
"""
