# scrapyd-deploy builds the egg with `setup.py bdist_egg` and writes its own setup.py when
# there is none; this one defers everything (the `scrapy` entry point included) to pyproject.toml.
from setuptools import setup

setup()
