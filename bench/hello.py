"""A bare Flask "hello world", served with the tracker's own gunicorn settings by
bench/throughput.py: the ceiling the tracker's throughput is compared against."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, world!"
