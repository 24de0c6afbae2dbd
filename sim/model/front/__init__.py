"""The front office: the centre's routing and day clock, counter queues, staff and equipment."""
